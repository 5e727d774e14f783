# error: invalid variable name
require "variables";
set "1abc" "v";
