# error: unterminated multi-line string
require "reject";
reject text:
no dot line here
