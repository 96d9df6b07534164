/* The hall and window screens' connection banner (lib/screen-status.js), zh first, en. */
export default {
  zh: {
    "status.connecting": "正在连接叫号服务器…",
    "status.lost": "⚠ 连接中断，正在重新连接… Connection lost",
    "status.refused": "本屏幕未获授权：设备令牌无效",
    "status.no_token": "本屏幕缺少设备令牌（请在网址后加 #token=…）",
  },
  en: {
    "status.connecting": "Connecting to the hub…",
    "status.lost": "⚠ Connection lost — reconnecting… 连接中断",
    "status.refused": "This screen's device token was refused",
    "status.no_token": "This screen needs a device token (#token=… in its address)",
  },
};
