'use strict';
// Starting the benchmark's processes and talking to them over their line protocols
// (bench/servers/common.js and bench/native/load.h).
const { spawn } = require('node:child_process');
const readline = require('node:readline');

/** A child process whose stdout lines can be awaited by prefix. */
class Child {
  constructor(command, args) {
    this.process = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.lines = [];
    this.waiters = [];
    this.stderr = '';
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
    this.process.stderr.on('data', (chunk) => { this.stderr += chunk; });
    this.process.stdin.on('error', () => {}); // the child may exit before reading everything
    readline.createInterface({ input: this.process.stdout }).on('line', (line) => {
      const waiter = this.waiters.findIndex((w) => w.prefixes.some((prefix) => line.startsWith(prefix)));
      if (waiter >= 0) this.waiters.splice(waiter, 1)[0].resolve(line);
      else this.lines.push(line);
    });
  }

  get pid() {
    return this.process.pid;
  }

  /** The next line starting with `prefix` (without the prefix), or a rejection after `ms`. */
  async next(prefix, ms) {
    return (await this.nextOf([prefix], ms)).slice(prefix.length).trim();
  }

  /** The next whole line starting with any of `prefixes`, or a rejection after `ms`. */
  nextOf(prefixes, ms) {
    const matches = (line) => prefixes.some((prefix) => line.startsWith(prefix));
    const queued = this.lines.findIndex(matches);
    if (queued >= 0) return Promise.resolve(this.lines.splice(queued, 1)[0]);
    const prefix = prefixes.join('" or "');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${this.describe()}: no "${prefix}" within ${ms} ms${this.stderr ? `\n${this.stderr}` : ''}`));
      }, ms);
      const waiter = { prefixes, resolve: (line) => { clearTimeout(timer); resolve(line); } };
      this.waiters.push(waiter);
      this.exited.then(({ code, signal }) => {
        if (!this.waiters.includes(waiter)) return;
        clearTimeout(timer);
        reject(new Error(`${this.describe()} exited (${signal ?? code}) before "${prefix}"${this.stderr ? `\n${this.stderr}` : ''}`));
      });
    });
  }

  send(line) {
    this.process.stdin.write(`${line}\n`);
  }

  /** Closes stdin (every child exits on that), then kills it if it lingers. */
  async stop(ms = 3000) {
    this.process.stdin.end();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), ms);
    await this.exited;
    clearTimeout(timer);
  }

  describe() {
    return `${this.process.spawnfile} ${this.process.spawnargs.slice(1).join(' ')}`;
  }
}

module.exports = { Child };
