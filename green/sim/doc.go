// Package sim is a simulated world of hosts and a network between them.
package sim
