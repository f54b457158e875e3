module afterfunc

go 1.23
