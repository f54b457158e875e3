module weft.example/gocorpus/go123

go 1.23
