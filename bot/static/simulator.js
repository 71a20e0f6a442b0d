// The simulator page: each action is posted as a Messenger event; replies are polled.
(function () {
  "use strict";
  const thread = document.getElementById("thread");
  const replies = document.getElementById("replies");
  let psid = localStorage.getItem("sim-psid") || newPsid();
  let lastId = 0;

  function newPsid() {
    const id = "sim-" + Math.random().toString(36).slice(2, 12);
    localStorage.setItem("sim-psid", id);
    return id;
  }

  function show(text, who) {
    const bubble = document.createElement("div");
    bubble.className = "msg " + who;
    bubble.textContent = text;
    thread.appendChild(bubble);
    thread.scrollTop = thread.scrollHeight;
  }

  function showReplies(quickReplies) {
    replies.replaceChildren();
    for (const reply of quickReplies) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = reply.title;
      button.addEventListener("click", function () {
        replies.replaceChildren();  // quick replies disappear once tapped, as on a phone
        send({action: "quick_reply", text: reply.title, payload: reply.payload}, reply.title);
      });
      replies.appendChild(button);
    }
  }

  async function send(params, echo) {
    if (echo) show(echo, "me");
    params.psid = psid;
    const response = await fetch("/simulator/api/events", {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(params)
    });
    if (!response.ok) show("(not delivered: " + (await response.text()) + ")", "bot");
  }

  async function poll() {
    try {
      const response = await fetch("/simulator/api/messages?psid=" + encodeURIComponent(psid) + "&after=" + lastId);
      const data = await response.json();
      for (const message of data.messages) {
        show(message.text, "bot");
        lastId = message.id;
        showReplies(message.quick_replies);
      }
    } finally {
      setTimeout(poll, 600);
    }
  }

  document.getElementById("start").addEventListener("submit", function (event) {
    event.preventDefault();
    send({action: "get_started", ref: document.getElementById("ref").value}, "Get Started");
  });
  document.getElementById("new-person").addEventListener("click", function () {
    psid = newPsid();
    lastId = 0;
    thread.replaceChildren();
    replies.replaceChildren();
  });
  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    const input = document.getElementById("text");
    if (!input.value.trim()) return;
    send({action: "text", text: input.value}, input.value);
    input.value = "";
  });
  poll();
})();
