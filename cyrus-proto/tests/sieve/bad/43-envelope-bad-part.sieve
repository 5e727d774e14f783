# error: unknown envelope part
require "envelope";
if envelope "cc" "x" { keep; }
