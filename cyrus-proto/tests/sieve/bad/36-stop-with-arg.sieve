# error: positional argument
stop "now";
