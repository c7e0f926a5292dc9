"""amoCRM API v4: OAuth2 tokens, the rate-limited client, payloads, the field check."""
