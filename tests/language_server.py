"""A Language Server Protocol client over stdio, as small as the editor tests need.

It speaks to the server as VS Code does: JSON-RPC messages framed by `Content-Length`
headers, `initialize` with the client's capabilities and locale, the settings pushed
with `workspace/didChangeConfiguration` and answered when the server asks for them,
documents opened with their text (nothing is read from disk but the schema).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

TIMEOUT = 30


class ServerError(Exception):
    pass


class LanguageServer:
    def __init__(self, command: Sequence[str], root: Path, settings: dict[str, Any], locale: str) -> None:
        self._process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self._settings = settings
        self._changed = threading.Condition()
        self._responses: dict[int, dict[str, Any]] = {}
        self._diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._next_id = 0
        self._versions: dict[str, int] = {}
        self._stderr: list[bytes] = []
        assert self._process.stdout is not None and self._process.stderr is not None
        threading.Thread(target=self._read, args=(self._process.stdout,), daemon=True).start()
        threading.Thread(target=self._stderr.extend, args=(self._process.stderr,), daemon=True).start()
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "locale": locale,
                "capabilities": {
                    "workspace": {"configuration": True},
                    "textDocument": {
                        "completion": {"completionItem": {"snippetSupport": True}},
                        "hover": {"contentFormat": ["markdown"]},
                        "publishDiagnostics": {},
                    },
                },
            },
        )
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self._process.wait(timeout=TIMEOUT)
        finally:
            self._process.kill()

    def request(self, method: str, params: Any) -> Any:
        with self._changed:
            self._next_id += 1
            number = self._next_id
        self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        with self._changed:
            if not self._changed.wait_for(lambda: number in self._responses or self._ended(), TIMEOUT):
                raise ServerError(f"{method}: no answer in {TIMEOUT} s{self._log()}")
            if number not in self._responses:
                raise ServerError(f"{method}: the server ended{self._log()}")
            response = self._responses.pop(number)
        if "error" in response:
            raise ServerError(f"{method}: {response['error']}")
        return response.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def open(self, path: Path, text: str) -> str:
        """Open (or reopen) a document at `path` with `text`; its diagnostics follow."""
        uri = path.as_uri()
        with self._changed:
            self._diagnostics.pop(uri, None)
        if uri in self._versions:
            self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self._versions[uri] = self._versions.get(uri, 0) + 1
        document = {"uri": uri, "languageId": "yaml", "version": self._versions[uri], "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})
        return uri

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """What the server published for the document as last opened."""
        with self._changed:
            if not self._changed.wait_for(lambda: uri in self._diagnostics or self._ended(), TIMEOUT):
                raise ServerError(f"no diagnostics for {uri} in {TIMEOUT} s{self._log()}")
            if uri not in self._diagnostics:
                raise ServerError(f"the server ended{self._log()}")
            return self._diagnostics[uri]

    def completion(self, uri: str, line: int, character: int) -> list[dict[str, Any]]:
        result = self.request(
            "textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        )
        return result["items"] if isinstance(result, dict) else result

    def hover(self, uri: str, line: int, character: int) -> str:
        result = self.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}
        )
        return result["contents"]["value"] if result else ""

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        assert self._process.stdin is not None
        self._process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self._process.stdin.flush()

    def _read(self, stream: IO[bytes]) -> None:
        while (message := _read_message(stream)) is not None:
            if "method" in message and "id" in message:
                self._answer(message)
            elif "id" in message:
                with self._changed:
                    self._responses[message["id"]] = message
                    self._changed.notify_all()
            elif message["method"] == "textDocument/publishDiagnostics":
                with self._changed:
                    self._diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
                    self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def _answer(self, request: dict[str, Any]) -> None:
        """The server's own requests: the settings it asks for; an empty answer to the rest
        (registering capabilities, progress)."""
        result = None
        if request["method"] == "workspace/configuration":
            result = [self._settings.get(item.get("section")) for item in request["params"]["items"]]
        self._send({"jsonrpc": "2.0", "id": request["id"], "result": result})

    def _ended(self) -> bool:
        return self._process.poll() is not None

    def _log(self) -> str:
        text = b"".join(self._stderr).decode("utf-8", "replace").strip()
        return f"\n{text}" if text else ""


def _read_message(stream: IO[bytes]) -> dict[str, Any] | None:
    length = None
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    if line == b"" or length is None:
        return None
    return json.loads(stream.read(length))
