# error: :last requires :index
require ["index"];
if header :last "x" "y" { keep; }
