# error: unexpected character
keep; @
