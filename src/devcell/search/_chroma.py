"""Our chroma embedding function, registered by name: a collection reopens without passing the function, and
its config holds only the model id (stack-notes: chromadb). Imported only when the index opens (chromadb costs
~70 MB of memory, which an idle appliance should not pay)."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

from devcell.search.embedding import _LOADED, ModelMissing


@register_embedding_function
class DevCellEmbeddingFunction(EmbeddingFunction[Documents]):
    """The chroma face of an Embedder; its config is only the model id."""

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id

    def __call__(self, input: Documents) -> Embeddings:
        embedder = _LOADED.get(self.model_id)
        if embedder is None:
            raise ModelMissing(f"the embedding model {self.model_id} is not loaded in this process")
        return list(embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "devcell"

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine"]

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> DevCellEmbeddingFunction:
        return DevCellEmbeddingFunction(str(config["model_id"]))

    def get_config(self) -> dict[str, Any]:
        return {"model_id": self.model_id}
