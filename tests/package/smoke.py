"""The HTTP side of the installed smoke test: first-run setup, sign-in, and an embedding round trip (upload two
documents, wait until they are indexed, find one by meaning).

Shared by the test that runs the installed binary on this machine and the systemd-nspawn test, which runs this
module as a script inside the container's network namespace (`nsenter -t PID -n python -m tests.package.smoke`),
so the same requests reach the service under the hardened unit. Standard library only.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from typing import Any
from urllib.parse import quote

from tests.serverproc import Client

ADMIN = "admin"
PASSWORD = "package-pass-4821"
# Two documents and a question that shares no word with either: only the embedding can pick the right one
# (lexical retrieval needs a rare word in common), so a passing search proves the model ran in the service.
# The first is padded with blank lines past Starlette's 1 MiB in-memory limit for an uploaded file, so the
# upload is spooled to /tmp: under the unit that is PrivateTmp=, inside ProtectSystem=strict. Blank lines add no
# passage, so indexing it stays quick.
SPOOLED = "\n".join([" " * 1023] * 1100)
DOCUMENTS = {
    "coffee.md": "# Kitchen\n\nThe coffee machine on the third floor is descaled every Friday by the facilities team.\n"
    + SPOOLED,
    "signing.md": "# Releases\n\nRelease builds are signed with the offline key that is kept in the safe.\n",
}
QUESTION = "who cleans the espresso maker?"
EXPECTED = "coffee.md"  # checked by document id: its title is its first heading (older releases: its file name)


def first_run(host: str, port: int, setup_code: str) -> Client:
    """The first-run page's call with the setup code, then a signed-in client of the new admin."""
    with Client(host, port) as browser:
        body = {"setup_code": setup_code, "username": ADMIN, "password": PASSWORD}
        status, answer = browser.request("POST", "/api/setup", body)
        if status != 201:
            raise AssertionError(f"POST /api/setup answered {status}: {answer}")
    signed_in = Client(host, port, timeout=60)
    signed_in.login(ADMIN, PASSWORD)
    return signed_in


def upload(client: Client, name: str, text: str) -> dict[str, Any]:
    """POST /api/documents as the Knowledge page sends it: multipart/form-data with the file in `file`."""
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/markdown\r\n\r\n{text}\r\n--{boundary}--\r\n"
    ).encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Accept": "application/json"}
    headers |= {"Cookie": client.cookie or "", "X-CSRF-Token": client.csrf or ""}
    client.connection.request("POST", "/api/documents", body=body, headers=headers)
    response = client.connection.getresponse()
    answer = json.loads(response.read() or b"null")
    if response.status != 201:
        raise AssertionError(f"uploading {name} answered {response.status}: {answer}")
    return dict(answer)


def wait_indexed(client: Client, document_id: int, timeout: float = 120) -> None:
    """Poll the document until the background job indexed it; a failed document fails with its reason."""
    deadline = time.monotonic() + timeout
    document: Any = None
    while time.monotonic() < deadline:
        status, document = client.request("GET", f"/api/documents/{document_id}")
        if status != 200:
            raise AssertionError(f"GET /api/documents/{document_id} answered {status}: {document}")
        if document["status"] == "indexed":
            return
        if document["status"] == "failed":
            raise AssertionError(f"indexing {document['title']} failed: {document['reason']}")
        time.sleep(0.2)
    raise AssertionError(f"document {document_id} not indexed within {timeout} s: {document}")


def embed_and_search(client: Client) -> dict[str, Any]:
    """Upload, wait until indexed, search by meaning. Returns what was measured and found."""
    started = time.perf_counter()
    ids = [upload(client, name, text)["id"] for name, text in DOCUMENTS.items()]
    for document_id in ids:
        wait_indexed(client, document_id)
    indexed_s = time.perf_counter() - started
    status, found = client.request("GET", f"/api/search?q={quote(QUESTION)}&limit=2")
    if status != 200:
        raise AssertionError(f"GET /api/search answered {status}: {found}")
    _, knowledge = client.request("GET", "/api/knowledge/status")
    titles = [item["document_title"] for item in found["items"]]
    expected = ids[list(DOCUMENTS).index(EXPECTED)]
    if not found["items"] or found["items"][0]["document_id"] != expected:
        raise AssertionError(f"searching {QUESTION!r} found {titles}, expected {EXPECTED} first")
    return {
        "indexed_s": round(indexed_s, 2),
        "titles": titles,
        "similarity": found["items"][0]["similarity"],
        "vectors": knowledge["vectors"],
        "model_ready": knowledge["model_ready"],
        "problems": knowledge["problems"],
    }


def health_checks(client: Client) -> dict[str, str]:
    """Every health check run now (disk, memory, temperature, ...); none may fail to run inside the sandbox.
    Returns name -> severity."""
    status, report = client.request("GET", "/api/system/health?fresh=true")
    if status != 200:
        raise AssertionError(f"GET /api/system/health answered {status}: {report}")
    broken = [item for item in report["items"] if item["message"].startswith("The check itself failed")]
    if broken:
        raise AssertionError(f"health checks that could not run: {broken}")
    return {item["name"]: item["severity"] for item in report["items"]}


def backup_now(client: Client, timeout: float = 120) -> dict[str, Any]:
    """POST /api/backups and wait for its job: {"status": HTTP status, "error"?: message, "job"?: final job}."""
    status, answer = client.request("POST", "/api/backups")
    if status != 202:
        return {"status": status, "error": answer["error"]["message"]}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, job = client.request("GET", f"/api/jobs/{answer['id']}")
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return {"status": status, "job": job}
        time.sleep(0.2)
    raise AssertionError(f"backup job {answer['id']} did not finish within {timeout} s")


def backup_folder(host: str, port: int, folder: str, timeout: float = 60) -> dict[str, Any]:
    """Signed in as the admin: the backup_folder health finding, once it is about `folder` (a setting saved by the
    command line reaches the service within seconds), and what "Back up now" does then."""
    client = Client(host, port, timeout=60)
    client.login(ADMIN, PASSWORD)
    try:
        deadline = time.monotonic() + timeout
        while True:
            _, report = client.request("GET", "/api/system/health?fresh=true")
            found = next(item for item in report["items"] if item["name"] == "backup_folder")
            if folder in found["message"] or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        return {"health": found, "backup": backup_now(client)}
    finally:
        client.close()


def main(argv: list[str]) -> int:
    """`python -m tests.package.smoke HOST PORT SETUP_CODE`: the whole flow; prints its result as JSON.
    `python -m tests.package.smoke backup-folder HOST PORT FOLDER`: the backup folder's health and a backup."""
    if argv[0] == "backup-folder":
        sys.stdout.write(json.dumps(backup_folder(argv[1], int(argv[2]), argv[3])) + "\n")
        return 0
    host, port, code = argv
    client = first_run(host, int(port), code)
    try:
        found = embed_and_search(client)
        found["health"] = health_checks(client)
        sys.stdout.write(json.dumps(found) + "\n")
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
