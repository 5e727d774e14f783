# error: unknown command 'frobnicate'
frobnicate "x";
