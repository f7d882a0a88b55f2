// An open-loop HTTP load generator for bench/open-loop.ts: POSTs at an even rate whether or not earlier
// requests were answered, each latency counted from the moment its request was due. Written in Go so
// that the sender's own pauses (a Node sender's event loop was up to 30-60 ms late on a busy 2-core
// machine) do not become the latencies it reports, and speaking HTTP/1.1 on its own keep-alive
// connections rather than through net/http, whose client cost ≈ 280 µs of CPU a request: on a 2-core
// machine that was taken from the server being measured. Prints one JSON object (OpenLoopResult) on stdout.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type headerFlags []string

func (h *headerFlags) String() string     { return strings.Join(*h, ",") }
func (h *headerFlags) Set(v string) error { *h = append(*h, v); return nil }

type result struct {
	Sent        int            `json:"sent"`
	P50         float64        `json:"p50"`
	P99         float64        `json:"p99"`
	Max         float64        `json:"max"`
	Statuses    map[string]int `json:"statuses"`
	Errors      int            `json:"errors"`
	ErrorCodes  map[string]int `json:"errorCodes"`
	Skipped     int            `json:"skipped"`
	MaxSendLag  float64        `json:"maxSendLag"`
	MaxFromSend float64        `json:"maxFromSend"`
}

type job struct {
	seq int
	due time.Time
	// When the connection for it began to be dialled, for a request that needed a new one.
	dialled time.Time
}

// One keep-alive connection, serving one request at a time.
type conn struct {
	net.Conn
	reader *bufio.Reader
	jobs   chan job
	reused bool
}

func main() {
	target := flag.String("url", "", "where to POST (loopback only)")
	rate := flag.Float64("rate", 100, "requests per second, evenly spaced")
	seconds := flag.Float64("seconds", 10, "how long to offer the load")
	connections := flag.Int("connections", 100, "requests in flight at most, one per connection")
	timeout := flag.Duration("timeout", 10*time.Second, "per request")
	body := flag.String("body", "{}", "the body; every {{seq}} becomes the request's sequence number")
	var headers headerFlags
	flag.Var(&headers, "header", "name: value (repeatable)")
	flag.Parse()
	if !strings.HasPrefix(*target, "http://127.0.0.1:") && !strings.HasPrefix(*target, "http://[::1]:") {
		fail("only loopback targets: " + *target)
	}
	parsed, err := url.Parse(*target)
	if err != nil {
		fail(err.Error())
	}
	var head strings.Builder
	fmt.Fprintf(&head, "POST %s HTTP/1.1\r\nHost: %s\r\n", parsed.RequestURI(), parsed.Host)
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		fmt.Fprintf(&head, "%s: %s\r\n", strings.TrimSpace(name), strings.TrimSpace(value))
	}
	request := func(seq int) []byte {
		payload := strings.ReplaceAll(*body, "{{seq}}", strconv.Itoa(seq))
		return []byte(head.String() + "Content-Length: " + strconv.Itoa(len(payload)) + "\r\n\r\n" + payload)
	}

	total := int(math.Round(*rate * *seconds))
	interval := time.Duration(float64(time.Second) / *rate)
	latencies := make([]float64, 0, total)
	res := result{Statuses: map[string]int{}, ErrorCodes: map[string]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	unanswered := math.Inf(1)
	record := func(latency float64) {
		latencies = append(latencies, latency)
		res.Max = math.Max(res.Max, latency)
	}

	idle := make(chan *conn, *connections)
	open := 0 // connections open or being dialled; only the dispatching loop changes it upwards
	closed := make(chan struct{}, *connections)
	dial := func() (*conn, error) {
		c, err := net.DialTimeout("tcp", parsed.Host, 3*time.Second)
		if err != nil {
			return nil, err
		}
		return &conn{Conn: c, reader: bufio.NewReaderSize(c, 16<<10), jobs: make(chan job, 1)}, nil
	}
	serve := func(c *conn) {
		for j := range c.jobs {
			sentAt := time.Now()
			if !j.dialled.IsZero() {
				sentAt = j.dialled
			}
			status, keepAlive, err := c.exchange(request(j.seq), sentAt.Add(*timeout))
			// A keep-alive connection the server closed while it was idle fails before any answer:
			// sent again on a new connection, as net/http does, not counted as an error.
			if err != nil && c.reused && errors.Is(err, errNoAnswer) {
				c.Close()
				if fresh, dialErr := dial(); dialErr == nil {
					fresh.jobs = c.jobs
					c = fresh
					status, keepAlive, err = c.exchange(request(j.seq), sentAt.Add(*timeout))
				} else {
					err = dialErr
				}
			}
			now := time.Now()
			mu.Lock()
			res.MaxSendLag = math.Max(res.MaxSendLag, ms(sentAt.Sub(j.due)))
			if err != nil {
				res.Errors++
				res.ErrorCodes[errorCode(err)]++
				record(unanswered)
			} else {
				res.Statuses[strconv.Itoa(status)]++
				record(ms(now.Sub(j.due)))
				res.MaxFromSend = math.Max(res.MaxFromSend, ms(now.Sub(sentAt)))
			}
			mu.Unlock()
			wg.Done()
			if err != nil || !keepAlive {
				c.Close()
				closed <- struct{}{}
				return
			}
			c.reused = true
			idle <- c
		}
	}

	start := time.Now()
	for seq := 0; seq < total; seq++ {
		due := start.Add(time.Duration(seq) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		res.Sent++
	reap:
		for {
			select {
			case <-closed:
				open--
			default:
				break reap
			}
		}
		j := job{seq: seq, due: due}
		select {
		case c := <-idle:
			wg.Add(1)
			c.jobs <- j
			continue
		default:
		}
		if open >= *connections {
			// Due while every connection is busy: counted as slower than any answer, not queued.
			mu.Lock()
			res.Skipped++
			record(unanswered)
			mu.Unlock()
			continue
		}
		open++
		wg.Add(1)
		go func() {
			j.dialled = time.Now()
			c, err := dial()
			if err != nil {
				mu.Lock()
				res.MaxSendLag = math.Max(res.MaxSendLag, ms(j.dialled.Sub(j.due)))
				res.Errors++
				res.ErrorCodes["connecting: "+errorCode(err)]++
				record(unanswered)
				mu.Unlock()
				wg.Done()
				closed <- struct{}{}
				return
			}
			c.jobs <- j
			serve(c)
		}()
	}
	wg.Wait()

	sort.Float64s(latencies)
	res.P50 = percentile(latencies, 50)
	res.P99 = percentile(latencies, 99)
	if math.IsInf(res.Max, 1) {
		res.Max = -1
	}
	out, _ := json.Marshal(res)
	os.Stdout.Write(append(out, '\n'))
	os.Exit(0)
}

var errNoAnswer = errors.New("connection closed before an answer")

// Writes one request and reads its answer: the status, and whether the connection may be used again.
func (c *conn) exchange(request []byte, deadline time.Time) (int, bool, error) {
	if err := c.SetDeadline(deadline); err != nil {
		return 0, false, err
	}
	if _, err := c.Write(request); err != nil {
		return 0, false, fmt.Errorf("%w: %w", errNoAnswer, err)
	}
	statusLine, err := c.reader.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || isReset(err) {
			return 0, false, fmt.Errorf("%w: %w", errNoAnswer, err)
		}
		return 0, false, err
	}
	fields := bytes.Fields(statusLine)
	if len(fields) < 2 {
		return 0, false, fmt.Errorf("malformed status line %q", statusLine)
	}
	status, err := strconv.Atoi(string(fields[1]))
	if err != nil {
		return 0, false, fmt.Errorf("malformed status line %q", statusLine)
	}
	length, chunked, keepAlive := -1, false, true
	for {
		line, err := c.reader.ReadSlice('\n')
		if err != nil {
			return 0, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, false, fmt.Errorf("malformed content-length %q", value)
			}
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("connection")):
			keepAlive = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		err = c.skipChunks()
	case length >= 0:
		_, err = c.reader.Discard(length)
	default:
		// No length: the body runs to the end of the connection.
		_, err = io.Copy(io.Discard, c.reader)
		keepAlive = false
	}
	return status, keepAlive && err == nil, err
}

func (c *conn) skipChunks() error {
	for {
		line, err := c.reader.ReadSlice('\n')
		if err != nil {
			return err
		}
		sizeField, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		size, err := strconv.ParseInt(string(bytes.TrimSpace(sizeField)), 16, 64)
		if err != nil {
			return fmt.Errorf("malformed chunk size %q", line)
		}
		if size == 0 {
			// Trailers, if any, end with an empty line.
			for {
				trailer, err := c.reader.ReadSlice('\n')
				if err != nil {
					return err
				}
				if len(bytes.TrimRight(trailer, "\r\n")) == 0 {
					return nil
				}
			}
		}
		if _, err := c.reader.Discard(int(size) + 2); err != nil {
			return err
		}
	}
}

func isReset(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && strings.Contains(opErr.Err.Error(), "reset")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Infinite percentiles (unanswered requests) are written as -1, which JSON can hold.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return -1
	}
	v := sorted[int(math.Ceil(p/100*float64(len(sorted))))-1]
	if math.IsInf(v, 1) {
		return -1
	}
	return v
}

func errorCode(err error) string {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return "timed out"
	}
	message := err.Error()
	if i := strings.LastIndex(message, ": "); i >= 0 {
		return message[i+2:]
	}
	return message
}

func fail(message string) {
	os.Stderr.WriteString(message + "\n")
	os.Exit(2)
}
