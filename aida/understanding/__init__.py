"""The understanding contract: what a brain is given and what it returns.

`aida.nlu` (the offline rules) and `aida.llm` (a model) both implement it; the core (steps,
machine, policy) reads only these types, never a brain's internals or the raw message.
"""
