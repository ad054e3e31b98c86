"""Phonemes for Piper voice models, the way Piper's own phonemiser produces them, from the
espeak-ng PROGRAM (GPL-3.0, run as a separate process; no GPL library is imported here).

What a Piper voice (phoneme type `espeak`) was trained on, and so what it must be fed:
espeak-ng's IPA for each clause, the clause's punctuation kept as a symbol (`.`, `?`, `!`,
and `,`, `:`, `;` followed by a space), the text decomposed into Unicode code points (NFD:
an accent is its own symbol), grouped into sentences (a clause ending in `.`, `?` or `!`
closes one); each sentence becomes the ids `^ _ p1 _ p2 _ ... pn _ $` through the voice's
`phoneme_id_map` (BOS `^`, PAD `_` after every symbol, EOS `$`), and is spoken separately.

espeak-ng's library reports each clause's terminator; its command line (`espeak-ng -q
--ipa`) prints one line of IPA per clause and drops the punctuation. So we find the clause
ends ourselves with espeak-ng's rules for them (`split_clauses`: punctuation followed by a
space or the end; a full stop before a lower-case word does not end a clause; three dots or
`…` end one without a symbol; a spaced dash is a `;`), hand espeak-ng one clause per line,
and read back what it printed for it. A clause espeak-ng splits further (a long one, a
symbol it breaks at that we do not) is joined without a symbol, as Piper joins clauses that
end without punctuation.

`EspeakProcess` keeps one `espeak-ng` running for the engine's lifetime (input on stdin,
one `espeak_Synth` per line, flushed per line): after each clause we send a sentinel line
whose IPA we learnt at start, so we know where each clause's output ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

BOS, EOS, PAD = "^", "$", "_"

#: a clause end: punctuation (with closing quotes or brackets after it), then a space or
#: the end of the text
_CLAUSE_END = re.compile(
    r"(?P<punct>…+|\.+|[?!][?!.]*|[,:;]|(?<=\s)[—–])(?P<close>[\"'”’»)\]}]*)(?=\s|$)")
#: espeak-ng's language-switch marks around foreign words, e.g. `(fr)`
_LANGUAGE_FLAG = re.compile(r"\([^)]*\)")
#: bytes per line we hand espeak-ng (its command line reads lines into a 1,000-byte buffer)
MAX_LINE_BYTES = 800
SENTINEL_TEXT = "Qxqzv jxjqz qxqzv."


@dataclass(frozen=True, slots=True)
class Clause:
    """A piece of text espeak-ng reads as one clause, and how it ended: `terminator` is the
    symbol Piper keeps (`.`, `?`, `!`, `,`, `:`, `;` or none) and `ends_sentence` whether a
    new sentence starts after it."""

    text: str
    terminator: str = ""
    ends_sentence: bool = False


def _classify(punct: str, close: str, rest: str) -> tuple[bool, str, bool]:
    """(is a clause end, terminator, ends the sentence) for punctuation `punct` with closing
    marks `close`, followed by `rest` of the text."""
    head = punct[0]
    if head == "…" or (head == "." and len(punct) >= 3):
        return True, "", False
    if head == ".":
        following = rest.lstrip()
        if not close and following[:1].islower():
            return False, "", False  # "left. then": an abbreviation, not a clause end
        return True, ".", True
    if head in "?!":
        return True, head, True
    if head in ",:;":
        return True, head, False
    return True, ";", False  # a dash between spaces


def split_clauses(text: str) -> list[Clause]:
    """The text as espeak-ng's clauses, in order (whitespace collapsed; empty pieces left
    out). Long clauses are cut at spaces to fit `MAX_LINE_BYTES`."""
    text = " ".join(text.split())
    clauses: list[Clause] = []
    start = 0
    for match in _CLAUSE_END.finditer(text):
        is_end, terminator, ends_sentence = _classify(match["punct"], match["close"],
                                                      text[match.end():])
        if not is_end:
            continue
        clauses.extend(_fit(text[start:match.end()].strip(), terminator, ends_sentence))
        start = match.end()
    clauses.extend(_fit(text[start:].strip(), "", False))
    return [clause for clause in clauses if clause.text]


def _fit(text: str, terminator: str, ends_sentence: bool) -> list[Clause]:
    if len(text.encode()) <= MAX_LINE_BYTES:
        return [Clause(text, terminator, ends_sentence)]
    pieces: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and len(candidate.encode()) > MAX_LINE_BYTES:
            pieces.append(current)
            current = word
        else:
            current = candidate
    pieces.append(current)
    pieces = [piece.encode()[:MAX_LINE_BYTES].decode(errors="ignore") for piece in pieces]
    return [Clause(piece) for piece in pieces[:-1]] + [
        Clause(pieces[-1], terminator, ends_sentence)]


def clean_ipa(lines: Iterable[str]) -> str:
    """espeak-ng's IPA lines for one clause as one string: language-switch marks removed,
    lines joined without a space (as Piper joins clauses that end without punctuation)."""
    return "".join(_LANGUAGE_FLAG.sub("", line).strip() for line in lines)


def sentences(clauses: Sequence[Clause], ipa: Sequence[str],
              vowel_clusters: frozenset[tuple[str, ...]] = frozenset()) -> list[list[str]]:
    """Piper's phonemes grouped by sentence, from the clauses and the IPA of each."""
    out: list[list[str]] = []
    current: list[str] = []
    for clause, phonemes in zip(clauses, ipa, strict=True):
        piece = phonemes + clause.terminator
        if clause.terminator in (",", ":", ";"):
            piece += " "
        current.extend(unicodedata.normalize("NFD", piece))
        if clause.ends_sentence:
            out.append(_merge_clusters(current, vowel_clusters))
            current = []
    if current:
        out.append(_merge_clusters(current, vowel_clusters))
    return [sentence for sentence in out if any(not p.isspace() for p in sentence)]


def _merge_clusters(phonemes: list[str], clusters: frozenset[tuple[str, ...]]) -> list[str]:
    """Adjacent symbols a voice treats as one (its `vowel_clusters`), longest first."""
    if not clusters:
        return phonemes
    longest = max(len(cluster) for cluster in clusters)
    merged: list[str] = []
    index = 0
    while index < len(phonemes):
        for size in range(min(longest, len(phonemes) - index), 1, -1):
            if tuple(phonemes[index:index + size]) in clusters:
                merged.append("".join(phonemes[index:index + size]))
                index += size
                break
        else:
            merged.append(phonemes[index])
            index += 1
    return merged


def phoneme_ids(phonemes: Sequence[str], id_map: Mapping[str, Sequence[int]]) -> list[int]:
    """`^ _ p1 _ p2 _ ... pn _ $` through the voice's map; symbols it lacks are skipped."""
    pad = list(id_map[PAD])
    ids = [*id_map[BOS], *pad]
    for phoneme in phonemes:
        mapped = id_map.get(phoneme)
        if mapped is None:
            continue
        ids.extend(mapped)
        ids.extend(pad)
    ids.extend(id_map[EOS])
    return ids


class EspeakProcessError(RuntimeError):
    """espeak-ng is missing, exited, or did not answer in time."""


class EspeakProcess:
    """One long-lived `espeak-ng -q --ipa` for a voice; `phonemize` is serialised (a lock):
    one request's clauses and sentinels are written, and read back, in order."""

    def __init__(self, *, binary: str, voice: str, data_path: str | None = None,
                 timeout_s: float = 10.0) -> None:
        self.binary = binary
        self.voice = voice
        self.data_path = data_path
        self.timeout_s = timeout_s
        self._proc: asyncio.subprocess.Process | None = None
        self._sentinel: str | None = None
        self._lock = asyncio.Lock()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None

    def command(self) -> list[str]:
        # -q: no audio; --ipa: IPA on stdout, a line per clause; -b 1: UTF-8 input
        path = [f"--path={self.data_path}"] if self.data_path else []
        return [self.binary, *path, "-q", "--ipa", "-b", "1", "-v", self.voice]

    async def start(self) -> None:
        async with self._lock:
            await self._ensure()

    async def close(self) -> None:
        async with self._lock:
            await self._stop()

    async def _ensure(self) -> None:
        if self.running:
            return
        await self._stop()
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *self.command(), stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
        except OSError as exc:
            raise EspeakProcessError(f"cannot run {self.binary}: {exc.strerror}") from exc
        self._sentinel = None
        [sentinel_lines] = await self._exchange([SENTINEL_TEXT], sentinel=None)
        if len(sentinel_lines) != 1 or not sentinel_lines[0].strip():
            await self._stop()
            raise EspeakProcessError(f"unexpected answer from {self.binary}: "
                                     f"{sentinel_lines!r:.120}")
        self._sentinel = sentinel_lines[0]

    async def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.returncode is not None:
            return
        if proc.stdin is not None:
            with contextlib.suppress(OSError, RuntimeError):
                proc.stdin.close()
        try:
            await asyncio.wait_for(proc.wait(), 2.0)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()

    async def _exchange(self, lines: Sequence[str], sentinel: str | None) -> list[list[str]]:
        """Write each line followed by the sentinel line; the output lines of each. With
        `sentinel` None (learning it), each line's output is taken to be one line."""
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        payload = "".join(f"{line}\n{SENTINEL_TEXT}\n" if sentinel is not None else f"{line}\n"
                          for line in lines).encode()

        async def write() -> None:
            assert proc.stdin is not None
            proc.stdin.write(payload)
            await proc.stdin.drain()

        results: list[list[str]] = []
        try:
            async with asyncio.timeout(self.timeout_s):
                writer = asyncio.ensure_future(write())
                try:
                    current: list[str] = []
                    while len(results) < len(lines):
                        raw = await proc.stdout.readline()
                        if not raw:
                            raise EspeakProcessError(f"{self.binary} exited "
                                                     f"({await proc.wait()})")
                        line = raw.decode(errors="replace").rstrip("\r\n")
                        if sentinel is None:
                            results.append([line])
                        elif line == sentinel:
                            results.append(current)
                            current = []
                        else:
                            current.append(line)
                    await writer
                finally:
                    if not writer.done():
                        writer.cancel()
        except TimeoutError as exc:
            await self._stop()
            raise EspeakProcessError(f"{self.binary} took over {self.timeout_s:g}s") from exc
        except (BrokenPipeError, ConnectionResetError) as exc:
            await self._stop()
            raise EspeakProcessError(f"{self.binary} closed its input") from exc
        except EspeakProcessError:
            await self._stop()
            raise
        return results

    async def clause_ipa(self, clauses: Sequence[Clause]) -> list[str]:
        """espeak-ng's IPA of each clause (one string per clause)."""
        if not clauses:
            return []
        async with self._lock:
            await self._ensure()
            outputs = await self._exchange([clause.text for clause in clauses],
                                           sentinel=self._sentinel)
        return [clean_ipa(lines) for lines in outputs]

    async def phonemize(self, text: str, vowel_clusters: frozenset[tuple[str, ...]]
                        = frozenset()) -> list[list[str]]:
        """Piper's phonemes of `text`, grouped by sentence."""
        clauses = split_clauses(text)
        return sentences(clauses, await self.clause_ipa(clauses), vowel_clusters)
