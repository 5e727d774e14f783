# error: in string list
require ["fileinto", "reject";
