# error: must come before positional
require "fileinto";
fileinto "x" :copy;
