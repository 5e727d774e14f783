# error: unterminated /* comment
keep; /* never closed
