"""The `kzuz` tooling: one module per command, wired together by `cli`."""
