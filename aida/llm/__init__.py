"""The model brain: any OpenAI-compatible server reads slots from free text and words replies."""
