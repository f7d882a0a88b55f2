// An open-loop HTTP load generator for bench/open-loop.ts: POSTs at an even rate whether or not earlier
// requests were answered, each latency counted from the moment its request was due. Written in Go so
// that the sender's own pauses (a Node sender's event loop was up to 30-60 ms late on a busy 2-core
// machine) do not become the latencies it reports. Prints one JSON object (OpenLoopResult) on stdout.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

func main() {
	url := flag.String("url", "", "where to POST (loopback only)")
	rate := flag.Float64("rate", 100, "requests per second, evenly spaced")
	seconds := flag.Float64("seconds", 10, "how long to offer the load")
	connections := flag.Int("connections", 100, "requests in flight at most, one per connection")
	timeout := flag.Duration("timeout", 10*time.Second, "per request")
	body := flag.String("body", "{}", "the body; every {{seq}} becomes the request's sequence number")
	var headers headerFlags
	flag.Var(&headers, "header", "name: value (repeatable)")
	flag.Parse()
	if !strings.HasPrefix(*url, "http://127.0.0.1:") && !strings.HasPrefix(*url, "http://[::1]:") {
		fail("only loopback targets: " + *url)
	}

	client := &http.Client{
		Timeout: *timeout,
		Transport: &http.Transport{
			MaxConnsPerHost:     *connections,
			MaxIdleConnsPerHost: *connections,
			DialContext:         (&net.Dialer{Timeout: 3 * time.Second}).DialContext,
		},
	}
	total := int(math.Round(*rate * *seconds))
	interval := time.Duration(float64(time.Second) / *rate)
	latencies := make([]float64, 0, total)
	res := result{Statuses: map[string]int{}, ErrorCodes: map[string]int{}}
	var mu sync.Mutex
	var inFlight atomic.Int64
	var wg sync.WaitGroup
	unanswered := math.Inf(1)
	record := func(latency float64) {
		latencies = append(latencies, latency)
		res.Max = math.Max(res.Max, latency)
	}

	send := func(seq int, due time.Time) {
		defer wg.Done()
		defer inFlight.Add(-1)
		sentAt := time.Now()
		req, err := http.NewRequest("POST", *url, strings.NewReader(strings.ReplaceAll(*body, "{{seq}}", strconv.Itoa(seq))))
		if err != nil {
			fail(err.Error())
		}
		for _, h := range headers {
			name, value, _ := strings.Cut(h, ":")
			req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
		}
		resp, err := client.Do(req)
		if err == nil {
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		res.MaxSendLag = math.Max(res.MaxSendLag, ms(sentAt.Sub(due)))
		if err != nil {
			res.Errors++
			res.ErrorCodes[errorCode(err)]++
			record(unanswered)
			return
		}
		res.Statuses[strconv.Itoa(resp.StatusCode)]++
		record(ms(now.Sub(due)))
		res.MaxFromSend = math.Max(res.MaxFromSend, ms(now.Sub(sentAt)))
	}

	start := time.Now()
	for seq := 0; seq < total; seq++ {
		due := start.Add(time.Duration(seq) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait)
		}
		res.Sent++
		if inFlight.Load() >= int64(*connections) {
			// Due while every connection is busy: counted as slower than any answer, not queued.
			mu.Lock()
			res.Skipped++
			record(unanswered)
			mu.Unlock()
			continue
		}
		inFlight.Add(1)
		wg.Add(1)
		go send(seq, due)
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
