// Go net/http answering GET /<n> with n bytes of 'X' (run with GOMAXPROCS=1).
//
//	go run go/httpserver.go PORT
package main

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
)

var bodies sync.Map

func body(n int) []byte {
	if b, ok := bodies.Load(n); ok {
		return b.([]byte)
	}
	b := bytes.Repeat([]byte{'X'}, n)
	bodies.Store(n, b)
	return b
}

func main() {
	port := os.Args[1]
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Path[1:])
		if err != nil || n < 0 || n > 64<<20 {
			w.WriteHeader(400)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Content-Length", strconv.Itoa(n))
		w.Write(body(n))
	})
	fmt.Println("go net/http listening on 127.0.0.1:" + port)
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
