# error: requires extension "variables"
set "a" "b";
