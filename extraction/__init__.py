"""Documents in: speeches, reports and notices read into rows for review (`chainkg extract`)."""
