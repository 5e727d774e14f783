# error: invalid header field name
require "editheader";
addheader "X Bad" "v";
