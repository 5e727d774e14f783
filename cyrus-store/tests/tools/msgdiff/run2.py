import os, sys; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases2 import CASES2 as CASES
src = open('/tmp/msgdiff/run.py').read().replace("from cases import CASES", "")
exec(src)
