# error: invalid script name
require "include";
include "../etc/passwd";
