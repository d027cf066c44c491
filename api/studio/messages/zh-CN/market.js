// zh-CN messages for the market pages.
export default {
};
