# error: invalid :zone
require "date";
if currentdate :zone "EST" "hour" "1" { keep; }
