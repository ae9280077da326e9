"""An LLM as one more, blind, machine-made annotator (standard library only).

Contract: :mod:`.prompt` builds the chat messages for one failing sample
(prompt, generated code, reference, primary error and facts, the taxonomy
with its codebook) and validates the model's JSON answer with a pydantic
model; :mod:`.runner` sends them to any OpenAI-compatible endpoint through
:mod:`.transport` (standard library HTTP with a total deadline, a byte cap
and no redirects) and records every
answer through :mod:`annotator.store.machine`. Nothing here executes code.
"""
