"""Live handoff to a manager through amoCRM's Chats API (amojo).

`signing` (the documented request and webhook signatures), `client` (the amojo HTTP client),
`hours` (when managers work), `store` (handoffs, operator messages, the message outbox; both
backends), `relay` (the outbox worker), `bus` (pushing events to whichever instance holds the
customer's stream), `desk` (the handoff's rules, used by the turn service and the webhook).
"""
