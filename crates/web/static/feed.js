// The live feed of the jobs page: jobs posted by admins appear at once, without a reload, when
// they match the page's filters, and admins see applications arrive. It keeps one WebSocket to
// /ws (the session cookie signs it in), says whether it is live or reconnecting, and reconnects
// after a dropped connection, waiting a little longer each time. A connection refused before it
// opened is most likely an expired access cookie: the session is renewed first, as a page
// load would renew it.
"use strict";
(() => {
  const status = document.getElementById("feed-status");
  const jobs = document.getElementById("jobs");
  const template = document.getElementById("job-template");
  const applications = document.getElementById("applications");
  const filters = new URLSearchParams(location.search);
  let wait = 500;

  function show(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  // Built with textContent only: nothing a job says is ever parsed as HTML.
  // The filters of the jobs page's GET form, as the server applies them.
  function matchesFilters(job) {
    const title = filters.get("title");
    if (title && !job.title.toLowerCase().includes(title.toLowerCase())) return false;
    const minSalary = filters.get("minSalary");
    if (minSalary && (job.salary === null || job.salary < Number(minSalary))) return false;
    if (filters.get("hasEquity") === "true" && !(job.equity && Number(job.equity) > 0)) return false;
    return true;
  }

  function addJob(job) {
    if (document.getElementById(`job-${job.id}`) || !matchesFilters(job)) return;
    const item = template.content.firstElementChild.cloneNode(true);
    item.id = `job-${job.id}`;
    item.dataset.jobId = job.id;
    item.querySelector(".job-title").textContent = job.title;
    const company = item.querySelector(".company");
    company.textContent = job.companyHandle;
    company.href = `/companies/${encodeURIComponent(job.companyHandle)}`;
    item.querySelector(".salary").textContent = job.salary === null ? "" : `${job.salary.toLocaleString("en")} a year`;
    item.querySelector(".equity").textContent = job.equity && Number(job.equity) > 0 ? `equity ${job.equity}` : "";
    item.querySelector("form").action = `/jobs/${job.id}/apply`;
    item.querySelector("button").id = `apply-${job.id}`;
    jobs.prepend(item);
    document.getElementById("no-jobs")?.remove();
  }

  function addApplication(application) {
    if (!applications) return;
    const line = document.createElement("li");
    line.textContent = `${application.username} applied to job ${application.jobId}`;
    applications.prepend(line);
  }

  // The refresh cookie lives under /session, so only this request renews the access cookie.
  // Its redirect is not followed: only the cookies it sets matter.
  function renewSession() {
    return fetch("/session/refresh", { redirect: "manual", credentials: "same-origin" }).catch(() => {});
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/ws`);
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      wait = 500;
      show("live", "Live: new jobs appear here");
    });
    socket.addEventListener("message", (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "jobPosted") addJob(event.job);
      if (event.type === "applied") addApplication(event.application);
    });
    socket.addEventListener("close", () => {
      show("reconnecting", "Reconnecting…");
      const delay = wait;
      wait = Math.min(wait * 2, 10000);
      const retry = () => setTimeout(connect, delay);
      if (opened) retry(); else renewSession().then(retry);
    });
  }

  connect();
})();
