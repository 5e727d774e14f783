# error: requires extension "vacation-seconds"
require "vacation";
vacation :seconds 60 "away";
