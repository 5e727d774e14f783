# error: invalid encoded character
require ["encoded-character", "fileinto"];
fileinto "${unicode:D800}";
