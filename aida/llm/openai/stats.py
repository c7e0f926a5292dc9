"""What the LLM brain did: calls, fallbacks, guard rejections, tokens — per brain and per
conversation. Plain counters, so the ops side can export them as metrics and the benchmark
can print calls and tokens per onboarding."""

from __future__ import annotations

from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

# Conversations whose token counts are kept in memory (least recently used dropped first).
SESSIONS_KEPT = 10_000


@dataclass
class TokenCount:
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, prompt: int, completion: int) -> None:
        self.calls += 1
        self.prompt_tokens += prompt
        self.completion_tokens += completion

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class BrainStats:
    messages: int = 0  # customer messages read
    confident: int = 0  # read by the offline brain alone, no call
    understand_calls: int = 0
    word_calls: int = 0
    # reason → turns answered by the fallback: timeout, rate_limited, server_error,
    # malformed, refused, truncated, circuit_open, ...
    fallbacks: Counter[str] = field(default_factory=Counter)
    # reason → worded replies replaced by the template: number, tariff, promise, missing_price...
    guard_rejections: Counter[str] = field(default_factory=Counter)
    tokens: TokenCount = field(default_factory=TokenCount)
    sessions: OrderedDict[str, TokenCount] = field(default_factory=OrderedDict)

    @property
    def calls(self) -> int:
        return self.understand_calls + self.word_calls

    def record_call(self, kind: str, session_id: str | None, prompt: int, completion: int) -> None:
        if kind == "understand":
            self.understand_calls += 1
        else:
            self.word_calls += 1
        self.tokens.add(prompt, completion)
        if session_id is None:
            return
        count = self.sessions.pop(session_id, None) or TokenCount()
        count.add(prompt, completion)
        self.sessions[session_id] = count
        while len(self.sessions) > SESSIONS_KEPT:
            self.sessions.popitem(last=False)

    def session(self, session_id: str) -> TokenCount:
        return self.sessions.get(session_id) or TokenCount()

    def snapshot(self) -> dict[str, Any]:
        """JSON-ready totals (no per-conversation detail)."""
        return {
            "messages": self.messages,
            "confident": self.confident,
            "calls": self.calls,
            "understand_calls": self.understand_calls,
            "word_calls": self.word_calls,
            "fallbacks": dict(self.fallbacks),
            "guard_rejections": dict(self.guard_rejections),
            "prompt_tokens": self.tokens.prompt_tokens,
            "completion_tokens": self.tokens.completion_tokens,
        }
