"""Transforms: small ordered passes over the model, each a callable ``transform(doc) -> None``."""
