# error: unterminated quoted string
require "fileinto;
