/* The window page's strings, zh first, en. */
export default {
  zh: {
    "win.name": "{n}号窗口", "win.please": "请", "win.come": "号 到本窗口办理",
    "win.serving": "正在办理", "win.recall": "重呼", "win.on_duty": "工作人员",
    "win.idle": "欢迎光临", "win.idle_hint": "等待叫号",
    "win.paused": "暂停服务", "win.paused_hint": "请到其他窗口办理",
    "win.closed": "暂未开放", "win.unknown": "没有{n}号窗口",
    "win.next": "下一位", "win.waiting": "{n}人等候", "win.nobody": "暂无等候",
  },
  en: {
    "win.name": "Window {n}", "win.please": "Now calling", "win.come": "Please come to this window",
    "win.serving": "Now serving", "win.recall": "Recall", "win.on_duty": "On duty",
    "win.idle": "Welcome", "win.idle_hint": "Waiting for the next call",
    "win.paused": "Paused", "win.paused_hint": "Please go to another window",
    "win.closed": "Closed", "win.unknown": "There is no window {n}",
    "win.next": "Next", "win.waiting": "{n} waiting", "win.nobody": "Nobody waiting",
  },
};
