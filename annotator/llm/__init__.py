"""An LLM as one more, blind, machine-made annotator (the optional ``llm`` extra of the ``dl-bug-annotator`` distribution).

Contract: :mod:`.prompt` builds the chat messages for one failing sample
(prompt, generated code, reference, primary error and facts, the taxonomy
with its codebook) and validates the model's JSON answer with a pydantic
model; :mod:`.runner` sends them to any OpenAI-compatible endpoint through
the ``openai`` client (imported only when a run starts) and records every
answer through :mod:`annotator.store.machine`. Nothing here executes code.
"""
