module weftlib

go 1.23
