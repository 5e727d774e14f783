# error: invalid regex
require "regex";
if header :regex "subject" "([a-" { keep; }
