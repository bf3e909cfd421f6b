"""`shingikai report`: the register across every case and meeting (report.md).

table.py defines the long table; reading.py reads the files through lint's pipeline and
keeps each case's rows in store.py's database; views.py makes the four views from the
long table; output.py writes them as csv, xlsx, html, json or a table.
"""
