"""AIDA: an AI sales assistant for internet providers (Russian, offline by default)."""

__version__ = "0.1.0"
