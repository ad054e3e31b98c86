"""Pure logic of the llm service: prompt assembly, characters, routing, model types. No I/O."""
