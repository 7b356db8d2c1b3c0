"""The retrieval evaluation (issue 17): public corpora fetched from package registries, questions, the scenario."""
