# error: invalid redirect address
redirect "not an address";
