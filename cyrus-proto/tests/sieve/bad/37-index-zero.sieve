# error: :index must be at least 1
require ["index"];
if header :index 0 "x" "y" { keep; }
