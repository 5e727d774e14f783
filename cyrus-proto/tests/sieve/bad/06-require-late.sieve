# error: require must come before
keep;
require "fileinto";
