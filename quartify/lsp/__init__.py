"""`quartify lsp`: quartify as a language server (pygls, stdio) for editors."""
