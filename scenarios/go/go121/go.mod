module weft.example/gocorpus/go121

go 1.21
