# error: unknown date-part
require "date";
if currentdate "fortnight" "1" { keep; }
